namespace Pishkhan.Tests.Email;

/// <summary>One app for a class of email scenarios, with intake and sending polling every second.</summary>
public sealed class EmailApp : IDisposable
{
    public PishkhanAppFactory App { get; } = new(seedDemo: false, settings: EmailKit.FastWorkers());

    public void Dispose() => App.Dispose();
}
