using System.Security.Cryptography;

namespace Pishkhan.Platform.Attachments;

public sealed class AttachmentOptions
{
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    public List<string> AllowedContentTypes { get; set; } = [];
}

/// <summary>
/// Keeps file contents on disk under the SHA-256 of their bytes (<c>attachments/ab/abcdef…</c>), so the same file
/// uploaded twice is stored once and a stored file can never be altered under its name.
/// </summary>
public sealed class AttachmentStore(string root)
{
    public async Task<(string Sha256, long Size)> SaveAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var temp = Path.Combine(root, $"upload-{Guid.NewGuid():N}.tmp");
        try
        {
            long size;
            byte[] hash;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                size = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new FileTooLargeException(maxBytes);
                    }

                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
                hash = sha.GetHashAndReset();
            }

            var sha256 = Convert.ToHexStringLower(hash);
            var target = PathOf(sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                try
                {
                    File.Move(temp, target);
                }
                catch (IOException) when (File.Exists(target))
                {
                    // The same content stored at the same moment by another caller (two messages with one logo): it is there.
                }
            }

            return (sha256, size);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Stream Open(string sha256) => File.OpenRead(PathOf(sha256));

    private string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256);
}

public sealed class FileTooLargeException(long maxBytes) : Exception($"The file is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
