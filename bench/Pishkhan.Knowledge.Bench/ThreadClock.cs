using System.Runtime.InteropServices;

namespace Pishkhan.Knowledge.Bench;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): on a shared, busy machine this is what a
/// search costs, free of the time the thread waited for a core.
/// </summary>
public static partial class ThreadClock
{
    private const int ThreadCpuTime = 3;

    public static double Milliseconds()
    {
        ClockGetTime(ThreadCpuTime, out var ts);
        return (ts.Seconds * 1e3) + (ts.Nanoseconds / 1e6);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
