using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pishkhan.Platform.Data;

namespace Pishkhan.Migrations.Postgres;

/// <summary>Lets `dotnet ef` build the model for Postgres without starting the app; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PishkhanDbContext>
{
    public PishkhanDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PishkhanDbContext>();
        DatabaseSetup.Configure(options, "Postgres", "Host=localhost;Database=pishkhan_design", "");
        return new PishkhanDbContext(options.Options, TimeProvider.System);
    }
}
