using BenchmarkDotNet.Running;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Calendar.Bench;

if (args is ["--retained"])
{
    // The memory a built calendar keeps alive (BenchmarkDotNet reports what building allocates).
    var definition = TehranFixture.Definition(1412);

    // Warm up first, so that NodaTime's time zone database and the holiday data are not counted.
    BusinessCalendar.Create(definition).Between(TehranFixture.RangeStart, TehranFixture.RangeStart + Duration.FromDays(3652));
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var calendar = BusinessCalendar.Create(definition);
    calendar.Between(TehranFixture.RangeStart, TehranFixture.RangeStart + Duration.FromDays(3652));
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"Retained by a calendar with ten years built: {after - before:N0} bytes");
    GC.KeepAlive(calendar);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TehranFixture).Assembly).Run(args);
