using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Pishkhan.Features.Cases;

namespace Pishkhan.Tests.Cases;

[Trait("Category", "Integration")]
public sealed class AttachmentTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task UploadedFile_LinksToANote_AndDownloadsAsAnAttachment()
    {
        var created = await app.CreateCaseAsync();
        var client = app.ApiClient();
        var uploaded = await UploadAsync(client, created.Id, "log.txt", "text/plain", "hello log"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var file = await uploaded.Content.ReadFromJsonAsync<AttachmentDto>(PishkhanAppFactory.Json);

        var note = await client.PostAsJsonAsync($"/api/v1/cases/{created.Id}/notes", new CaseMessageRequest("see log", [file!.Id]), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, note.StatusCode);
        var entry = await note.Content.ReadFromJsonAsync<TimelineEntryDto>(PishkhanAppFactory.Json);
        Assert.Equal(file.Id, Assert.Single(entry!.Attachments).Id);

        var download = await client.GetAsync($"/api/v1/attachments/{file.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("hello log", await download.Content.ReadAsStringAsync());

        // Linked once, it cannot be linked again.
        var again = await client.PostAsJsonAsync($"/api/v1/cases/{created.Id}/replies", new CaseMessageRequest("again", [file.Id]), PishkhanAppFactory.Json);
        Assert.Contains("attachmentIds", (await Problems.ErrorsAsync(again)).Keys);
    }

    [Fact]
    public async Task DisallowedTypeAndOversizedFile_AreRefused()
    {
        var created = await app.CreateCaseAsync();
        var client = app.ApiClient();
        var exe = await UploadAsync(client, created.Id, "run.exe", "application/x-msdownload", [1, 2, 3]);
        Assert.Contains("file", (await Problems.ErrorsAsync(exe)).Keys);
        var big = await UploadAsync(client, created.Id, "big.txt", "text/plain", new byte[4096]);
        Assert.Contains("file", (await Problems.ErrorsAsync(big)).Keys);
        Assert.Equal(0, await app.WithDbAsync(db => Task.FromResult(db.Attachments.Count(a => a.CaseId == created.Id))));
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid caseId, string name, string type, byte[] bytes)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Add(part, "file", name);
        return await client.PostAsync($"/api/v1/cases/{caseId}/attachments", content);
    }
}
