using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

/// <summary>
/// What the server logged (warnings and errors) and what each page wrote to its console, so that a test that times
/// out says why: a circuit that died on an exception shows up here instead of as a bare "Timeout 30000ms exceeded".
/// </summary>
internal static class Diagnostics
{
    private static readonly ConcurrentQueue<string> Server = new();
    private static readonly ConditionalWeakTable<IPage, ConcurrentQueue<string>> Consoles = [];

    public static void Watch(IPage page)
    {
        var lines = Consoles.GetOrCreateValue(page);
        page.Console += (_, message) => lines.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => lines.Enqueue($"page error: {error}");
    }

    /// <summary>The page's console and the server's recent warnings and errors, for a failure message.</summary>
    public static string Report(IPage page)
    {
        var console = Consoles.TryGetValue(page, out var lines) ? string.Join("\n", lines.TakeLast(20)) : "(not watched)";
        return $"URL: {page.Url}\n--- browser console ---\n{console}\n--- server warnings and errors ---\n{string.Join("\n", Server.TakeLast(20))}";
    }

    public sealed class ServerLogProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ServerLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class ServerLogger(string category) : ILogger
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

            Server.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            while (Server.Count > 200)
            {
                Server.TryDequeue(out _);
            }
        }
    }
}
