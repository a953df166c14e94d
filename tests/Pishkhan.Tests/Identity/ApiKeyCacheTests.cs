using Pishkhan.Features.Identity;

namespace Pishkhan.Tests.Identity;

public sealed class ApiKeyCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_lookup_that_began_before_a_revocation_is_not_remembered()
    {
        var cache = new ApiKeyCache();
        var key = new ApiKey { Name = "integration", Prefix = "pk_abc", SecretHash = "abc", Scopes = [Scopes.CasesRead] };

        var generation = cache.Generation; // the lookup reads the key, still unrevoked
        cache.ForgetAll();                 // meanwhile the key is revoked
        cache.Remember("abc", key, Now, generation);

        Assert.False(cache.TryGet("abc", Now, out _));

        cache.Remember("abc", key, Now, cache.Generation);
        Assert.True(cache.TryGet("abc", Now, out var remembered));
        Assert.Same(key, remembered);
        Assert.False(cache.TryGet("abc", Now + ApiKeyCache.Lifetime, out _));
    }
}
