using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pishkhan.Tests;

/// <summary>
/// The warnings and errors the app under test logged, so that a request answered 500 fails its test with the server's exception
/// instead of a bare status code (a failure that shows up once in many CI runs must explain itself the first time).
/// </summary>
public sealed class ServerErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Recent => string.Join("\n", _lines.TakeLast(20));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    /// <summary>Turns a 5xx answer into an exception carrying what the server logged.</summary>
    public sealed class Reporter(ServerErrors errors) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                await Task.Delay(500, cancellationToken); // what is logged as the request ends may land just after the answer
                throw new HttpRequestException(
                    $"{(int)response.StatusCode} from {request.Method} {request.RequestUri?.PathAndQuery}. The server logged:\n{errors.Recent}",
                    null,
                    response.StatusCode);
            }

            return response;
        }
    }

    private sealed class Logger(string category, ServerErrors errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            errors._lines.Enqueue($"{category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            while (errors._lines.Count > 50)
            {
                errors._lines.TryDequeue(out _);
            }
        }
    }
}
