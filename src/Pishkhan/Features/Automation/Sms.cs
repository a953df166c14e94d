namespace Pishkhan.Features.Automation;

/// <summary>Sends a text message. The app registers <see cref="LoggingSmsSender"/> until a real provider is configured.</summary>
public interface ISmsSender
{
    /// <returns>The provider's message id, kept in the run log.</returns>
    Task<string> SendAsync(string to, string body, CancellationToken ct);
}

/// <summary>Development provider: writes the message to the log and "delivers" it.</summary>
public sealed class LoggingSmsSender(ILogger<LoggingSmsSender> log) : ISmsSender
{
    public Task<string> SendAsync(string to, string body, CancellationToken ct)
    {
        var id = $"log-{Guid.NewGuid():N}";
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("SMS {Id} to {To}: {Body}", id, to, body);
        }

        return Task.FromResult(id);
    }
}
