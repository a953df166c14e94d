using System.Collections.Concurrent;

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
}
