using System.Security.Cryptography;
using Pishkhan.Platform.Attachments;

namespace Pishkhan.Tests.Platform;

/// <summary>The content-addressed file store on a real folder.</summary>
public sealed class AttachmentStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pishkhan-attachments-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_same_content_stored_at_the_same_moment_is_stored_once_and_every_caller_gets_its_name()
    {
        var store = new AttachmentStore(_folder);
        // Many rounds of callers released together: each round's first move and the others' "is it there yet?" race.
        for (var round = 0; round < 40; round++)
        {
            var content = RandomNumberGenerator.GetBytes(64 * 1024);
            var expected = Convert.ToHexStringLower(SHA256.HashData(content));
            using var start = new Barrier(8);
            var saves = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await store.SaveAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
            })).ToList();

            foreach (var (sha256, size) in await Task.WhenAll(saves))
            {
                Assert.Equal(expected, sha256);
                Assert.Equal(content.Length, size);
            }

            await using var stored = store.Open(expected);
            Assert.Equal(content, ReadAll(stored));
        }

        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        Assert.Equal(40, Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_and_leaves_nothing_behind()
    {
        var store = new AttachmentStore(_folder);

        var error = await Assert.ThrowsAsync<FileTooLargeException>(() => store.SaveAsync(new MemoryStream(new byte[2048]), 1024, CancellationToken.None));

        Assert.Equal(1024, error.MaxBytes);
        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
