namespace Pishkhan.Features.Knowledge;

/// <summary>What an agent's reply gets when they insert an article: its title, optionally its summary, and the public link if it has one.</summary>
public static class ReplyText
{
    public static string For(string title, string? summary, string? url)
    {
        var lines = new List<string> { title };
        if (!string.IsNullOrWhiteSpace(summary))
        {
            lines.Add(summary.Trim());
        }

        if (url is not null)
        {
            lines.Add(url);
        }

        return string.Join('\n', lines);
    }

    /// <summary>Adds <paramref name="insert"/> to the reply being written, after a blank line when there is text already.</summary>
    public static string Append(string? reply, string insert) =>
        string.IsNullOrWhiteSpace(reply) ? insert : reply.TrimEnd() + "\n\n" + insert;
}
