using Microsoft.AspNetCore.Components;
using Pishkhan.Features.Portal;
using Pishkhan.Localization;

namespace Pishkhan.Components.Portal;

/// <summary>
/// What every portal page needs: the request (portal pages render on the server without a live circuit, so sign-in
/// cookies and file uploads work on any phone), the signed-in customer if any, and the reader's language.
/// </summary>
public abstract class PortalPage : ComponentBase
{
    [CascadingParameter]
    protected HttpContext HttpContext { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    protected bool Fa => UiCulture.IsPersian;

    protected PortalCustomer? Customer { get; private set; }

    protected async Task LoadCustomerAsync() => Customer = await PortalCustomer.OfAsync(HttpContext);

    /// <summary>The signed-in customer; anyone else is sent to the portal's sign-in page and comes back here after.</summary>
    protected async Task<PortalCustomer> RequireCustomerAsync()
    {
        await LoadCustomerAsync();
        if (Customer is null)
        {
            var back = Navigation.ToBaseRelativePath(Navigation.Uri);
            Navigation.NavigateTo($"/portal/login?returnUrl={Uri.EscapeDataString("/" + back)}");
        }

        return Customer!;
    }

    protected string When(DateTime utc) => DisplayFormat.DateTime(utc, Fa);

    protected string Digits(string text) => DisplayFormat.Digits(text, Fa);
}
