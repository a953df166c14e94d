using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>
/// The change tracker's comparers: none may hold a lambda inside its expressions (compiled into the tracker, a nested
/// lambda costs a <c>DynamicMethod.CreateDelegate</c> call on every snapshot and comparison), and a list of strings
/// changed in place is still seen as changed.
/// </summary>
public sealed class ValueComparerTests
{
    [Fact]
    public void No_comparer_in_the_model_holds_a_nested_lambda()
    {
        using var db = NewContext();
        var offenders = new List<string>();
        foreach (var property in db.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            foreach (var comparer in new[] { property.GetValueComparer(), property.GetKeyValueComparer(), property.GetProviderValueComparer() })
            {
                foreach (var (part, expression) in new (string, LambdaExpression)[]
                    { ("equals", comparer.EqualsExpression), ("hash", comparer.HashCodeExpression), ("snapshot", comparer.SnapshotExpression) })
                {
                    var finder = new LambdaFinder();
                    finder.Visit(expression.Body);
                    if (finder.Found)
                    {
                        offenders.Add($"{property.DeclaringType.DisplayName()}.{property.Name} ({comparer.GetType().Name} {part}): {expression}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Lists_of_strings_use_the_element_wise_comparer_and_keep_their_primitive_collection_mapping()
    {
        using var db = NewContext();
        var tags = db.Model.FindEntityType(typeof(Case))!.FindProperty(nameof(Case.Tags))!;
        Assert.IsType<StringListComparer>(tags.GetValueComparer());
        Assert.True(tags.IsPrimitiveCollection);
    }

    [Fact]
    public void A_list_changed_in_place_differs_from_its_snapshot()
    {
        var comparer = new StringListComparer();
        var tags = new List<string> { "vip", "printer" };
        var snapshot = comparer.Snapshot(tags);
        Assert.NotSame(tags, snapshot);
        Assert.True(comparer.Equals(tags, snapshot));
        Assert.Equal(comparer.GetHashCode(tags), comparer.GetHashCode(snapshot));

        tags[1] = "network";
        Assert.False(comparer.Equals(tags, snapshot));
        tags.Add("x");
        Assert.False(comparer.Equals(tags, snapshot));
        Assert.False(comparer.Equals(tags, null));
        Assert.True(comparer.Equals(null, null));
        Assert.False(comparer.Equals(["a", "b"], ["b", "a"]));
    }

    [Fact]
    public void Custom_fields_hash_by_content()
    {
        var comparer = new JsonDictionaryComparer();
        var a = new Dictionary<string, string> { ["plan"] = "gold", ["region"] = "north" };
        var b = new Dictionary<string, string> { ["region"] = "north", ["plan"] = "gold" };
        Assert.True(comparer.Equals(a, b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
        b["plan"] = "silver";
        Assert.False(comparer.Equals(a, b));
    }

    private static PishkhanDbContext NewContext() => new(
        new DbContextOptionsBuilder<PishkhanDbContext>().UseSqlite("Data Source=:memory:").Options, TimeProvider.System);

    private sealed class LambdaFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Found = true;
            return node;
        }
    }
}
