using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Pishkhan.Features.Identity;
using Pishkhan.Localization;

namespace Pishkhan.Components.Shared;

/// <summary>What every signed-in page needs: the acting user and the reader's language.</summary>
public abstract class AppPage : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected bool Fa => UiCulture.IsPersian;

    protected async Task<Actor> ActorAsync()
    {
        var state = AuthenticationState is null ? null : await AuthenticationState;
        return state is null ? throw new InvalidOperationException("No signed-in user.") : Actor.FromPrincipal(state.User);
    }

    protected string When(DateTime utc) => DisplayFormat.DateTime(utc, Fa);

    protected string When(DateTime? utc) => DisplayFormat.DateTime(utc, Fa);

    protected string Digits(string text) => DisplayFormat.Digits(text, Fa);

    protected string StatusName(Features.Cases.StatusRef status) => Fa ? status.NameFa : status.Name;
}
