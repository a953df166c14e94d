using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Pishkhan.Features.Automation;

/// <summary>
/// A workflow version's definition, parsed once per process. Versions never change, so the cache is keyed by the
/// version's id; the condition nodes inside keep their constants precompiled (see <see cref="ConditionNode"/>), so
/// matching a change does not parse dates or JSON values again on every evaluation.
/// </summary>
public static class CompiledWorkflow
{
    private static readonly ConcurrentDictionary<Guid, Entry> Cache = new();

    public sealed record Entry(WorkflowDefinition Definition);

    public static Entry Of(WorkflowVersion version) =>
        Cache.GetOrAdd(version.Id, static (_, json) => new Entry(WorkflowDefinition.FromJson(json)), version.Definition);

    /// <summary>A version's definition by id, reading the version only the first time (each step of a run needs it).</summary>
    public static async Task<WorkflowDefinition> OfAsync(DbContext db, Guid versionId, CancellationToken ct) =>
        Cache.TryGetValue(versionId, out var entry)
            ? entry.Definition
            : Of(await db.Set<WorkflowVersion>().AsNoTracking().FirstAsync(v => v.Id == versionId, ct)).Definition;
}
