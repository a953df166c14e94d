using Microsoft.EntityFrameworkCore;

namespace Pishkhan.Tests.Platform;

public sealed class MigrationTests
{
    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var db = new Migrations.Sqlite.DesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh: the SQLite migrations are behind the model.");
    }

    [Fact]
    public void PostgresMigrations_MatchTheModel()
    {
        using var db = new Migrations.Postgres.DesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh: the PostgreSQL migrations are behind the model.");
    }
}
