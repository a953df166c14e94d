using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Pishkhan.Tests.Platform;

[Trait("Category", "Integration")]
public sealed class HostSettingsTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public void AppSettingsFiles_AreNotWatched()
    {
        // A watched appsettings file puts a recursive watcher on the content root, which wakes on every write to a
        // data folder under it (the default ./data). The files are read at start only.
        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes."));
    }
}
