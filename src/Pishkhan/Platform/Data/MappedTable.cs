using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pishkhan.Platform.Data;

/// <summary>
/// A mapped table's name and columns, from the EF model (cached per entity type and provider), for plain SQL that
/// bypasses the change tracker — the SLA recalculation's reads and writes (<c>SlaBatchReader</c>, <c>SlaBatchWriter</c>)
/// and the rows a save appends (<see cref="UntrackedRows"/>): the rows read and written are exactly what EF Core would
/// have read and written.
/// </summary>
internal sealed class MappedTable
{
    private static readonly ConcurrentDictionary<(Type, bool), MappedTable> Cache = [];

    private readonly Dictionary<string, MappedColumn> _byProperty;
    private readonly ConcurrentDictionary<string, Delegate> _materializers = [];

    private MappedTable(IEntityType entityType)
    {
        var name = entityType.GetTableName()!;
        var store = StoreObjectIdentifier.Table(name, entityType.GetSchema());
        Type = entityType.ClrType;
        Quoted = $"\"{name}\"";
        Columns = [.. entityType.GetProperties().Select(p => new MappedColumn(p, store))];
        _byProperty = Columns.ToDictionary(c => c.Property.Name);
        Key = _byProperty[entityType.FindPrimaryKey()!.Properties.Single().Name];

        // A key the database numbers itself (an identity or autoincrement column) is left out of an INSERT.
        var generated = Key.Property.ValueGenerated == ValueGenerated.OnAdd && (Key.Property.ClrType == typeof(long) || Key.Property.ClrType == typeof(int));
        InsertColumns = generated ? [.. Columns.Where(c => c != Key)] : Columns;
    }

    public Type Type { get; }
    public string Quoted { get; }
    public List<MappedColumn> Columns { get; }
    public MappedColumn Key { get; }

    /// <summary>The columns an INSERT names: all but a key the database generates.</summary>
    public List<MappedColumn> InsertColumns { get; }

    public MappedColumn Column(string property) => _byProperty[property];

    // The providers' models have the same tables and columns but different type mappings: one entry per provider.
    public static MappedTable Of<T>(PishkhanDbContext db) => Of(typeof(T), db);

    public static MappedTable Of(Type type, PishkhanDbContext db) => Cache.GetOrAdd(
        (type, db.IsPostgres),
        static (key, model) => new MappedTable(model.FindEntityType(key.Item1) ?? throw new InvalidOperationException($"{key.Item1.Name} is not mapped.")),
        db.Model);

    /// <summary>
    /// Makes a <typeparamref name="T"/> from the current row of a reader whose columns are <paramref name="properties"/>'
    /// in that order, with the provider's own reader method and the model's value conversion for each (compiled once):
    /// what EF Core's materializer does, without its query pipeline. Properties not named keep their defaults.
    /// </summary>
    public Func<DbDataReader, T> Materializer<T>(IReadOnlyList<string> properties) =>
        (Func<DbDataReader, T>)_materializers.GetOrAdd(string.Join(',', properties), static (_, args) =>
        {
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var bindings = args.properties.Select((p, ordinal) =>
            {
                var column = args.table.Column(p);
                return Expression.Bind(column.Property.PropertyInfo!, column.Read(reader, ordinal));
            });
            return Expression.Lambda<Func<DbDataReader, T>>(Expression.MemberInit(Expression.New(typeof(T)), bindings), reader).Compile();
        }, (table: this, properties));
}

/// <summary>One column of a <see cref="MappedTable"/>: its quoted name, type mapping and value conversion.</summary>
internal sealed class MappedColumn
{
    private static readonly System.Reflection.MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

    private readonly Func<object, object?> _getter;

    public MappedColumn(IProperty property, StoreObjectIdentifier store)
    {
        Property = property;
        Quoted = $"\"{property.GetColumnName(store)}\"";
        Mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
        StoreType = property.GetColumnType();
        Nullable = property.IsNullable;
        _getter = property.GetGetter().GetClrValue;
    }

    public IProperty Property { get; }
    public string Quoted { get; }
    public RelationalTypeMapping Mapping { get; }
    public string StoreType { get; }
    public bool Nullable { get; }

    public object? Get(object row) => _getter(row);

    /// <summary>Adds <paramref name="value"/> to <paramref name="command"/> as a parameter of this column's type; returns its name.</summary>
    public string Parameter(DbCommand command, object? value)
    {
        var name = $"@p{command.Parameters.Count}";
        command.Parameters.Add(Mapping.CreateParameter(command, name, value, Nullable));
        return name;
    }

    public object ToProvider(object? value) => (Mapping.Converter is { } converter && value is not null ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;

    /// <summary>Reads this column's value at <paramref name="ordinal"/> as the property's type (null for a database NULL).</summary>
    public Expression Read(ParameterExpression reader, int ordinal)
    {
        var method = Mapping.GetDataReaderMethod();
        var source = method.DeclaringType!.IsAssignableFrom(typeof(DbDataReader)) ? (Expression)reader : Expression.Convert(reader, method.DeclaringType);
        var value = Mapping.CustomizeDataReaderExpression(Expression.Call(source, method, Expression.Constant(ordinal)));
        if (Mapping.Converter is { } converter)
        {
            var provider = converter.ProviderClrType;
            value = Expression.Invoke(converter.ConvertFromProviderExpression, value.Type == provider ? value : Expression.Convert(value, provider));
        }

        var type = Property.ClrType;
        value = value.Type == type ? value : Expression.Convert(value, type);
        return Nullable
            ? Expression.Condition(Expression.Call(reader, IsDbNull, Expression.Constant(ordinal)), Expression.Default(type), value)
            : value;
    }
}
