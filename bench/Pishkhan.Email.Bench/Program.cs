using System.Globalization;

namespace Pishkhan.Email.Bench;

public static class BenchProgram
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/Pishkhan.Email.Bench -- [messages] [rounds] [--quiet] [--one-by-one] [--dump=FILE]</c>:
    /// the intake throughput of issue 7 (see <see cref="IntakeThroughput"/>); defaults 10,000 messages, 3 rounds; --quiet
    /// stops the app's other background workers; --one-by-one uses the unbatched path; --dump writes every stored row
    /// (ids and instants replaced) to FILE, to diff the two paths.
    /// </summary>
    public static async Task Main(string[] args)
    {
        var numbers = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var messages = numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 10_000;
        var rounds = numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 3;
        var dump = args.FirstOrDefault(a => a.StartsWith("--dump=", StringComparison.Ordinal))?["--dump=".Length..];
        await IntakeThroughput.RunAsync(messages, rounds, args.Contains("--quiet"), args.Contains("--one-by-one"), dump);
    }
}
