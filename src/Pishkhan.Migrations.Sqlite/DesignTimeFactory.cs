using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pishkhan.Platform.Data;

namespace Pishkhan.Migrations.Sqlite;

/// <summary>Lets `dotnet ef` build the model for Sqlite without starting the app; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PishkhanDbContext>
{
    public PishkhanDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PishkhanDbContext>();
        DatabaseSetup.Configure(options, "Sqlite", "Data Source=design-time.db", "");
        return new PishkhanDbContext(options.Options, TimeProvider.System);
    }
}
