namespace Pishkhan.Calendar.Tests;

public class PlaceholderTests
{
    [Fact]
    public void Calendar_Type_Exists() => Assert.NotNull(typeof(BusinessCalendar));
}
