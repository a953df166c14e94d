using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// A mapped table's name and columns, from the EF model (cached per entity type and provider), for the recalculation's
/// plain SQL (<see cref="SlaBatchReader"/>, <see cref="SlaBatchWriter"/>): the rows it reads and writes are exactly
/// what EF Core would have read and written.
/// </summary>
internal sealed class SlaTable
{
    private static readonly ConcurrentDictionary<(Type, bool), SlaTable> Cache = [];

    private readonly Dictionary<string, SlaColumn> _byProperty;
    private readonly ConcurrentDictionary<string, Delegate> _materializers = [];

    private SlaTable(IEntityType entityType)
    {
        var name = entityType.GetTableName()!;
        var store = StoreObjectIdentifier.Table(name, entityType.GetSchema());
        Type = entityType.ClrType;
        Quoted = $"\"{name}\"";
        Columns = [.. entityType.GetProperties().Select(p => new SlaColumn(p, store))];
        _byProperty = Columns.ToDictionary(c => c.Property.Name);
        Key = _byProperty[entityType.FindPrimaryKey()!.Properties.Single().Name];
    }

    public Type Type { get; }
    public string Quoted { get; }
    public List<SlaColumn> Columns { get; }
    public SlaColumn Key { get; }

    public SlaColumn Column(string property) => _byProperty[property];

    // The providers' models have the same tables and columns but different type mappings: one entry per provider.
    public static SlaTable Of<T>(PishkhanDbContext db) => Cache.GetOrAdd(
        (typeof(T), db.IsPostgres),
        static (_, model) => new SlaTable(model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.")),
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

/// <summary>One column of a <see cref="SlaTable"/>: its quoted name, type mapping and value conversion.</summary>
internal sealed class SlaColumn
{
    private static readonly System.Reflection.MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

    private readonly Func<object, object?> _getter;

    public SlaColumn(IProperty property, StoreObjectIdentifier store)
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
