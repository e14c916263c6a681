using Microsoft.Extensions.Primitives;

namespace M3uProxy.Edge.Api;

/// <summary>
/// Routes mapped as plain <see cref="RequestDelegate"/>s: the handler takes what it needs from the
/// <see cref="HttpContext"/> (services, route values, query) and answers with an <see cref="IResult"/>.
/// A handler mapped as a <c>Delegate</c> gets the request delegate generator's parameter binding,
/// endpoint-filter pipeline and endpoint metadata compiled into the binary, route by route; our
/// routes need none of it (docs/performance.md, "Size per feature"), and with no route left to it,
/// its shared code goes too (the csproj turns the generator off, so a new <c>Delegate</c> route fails
/// the build). The routes that serve a stream's bytes (<c>/stream</c>, <c>/hls</c>, the cluster's) use
/// only <see cref="Service{T}"/> and <see cref="RouteValue"/> and call their handlers with what the
/// generator bound. The OpenAPI document is made from the notes in the tests (OpenApiNotes).
/// </summary>
internal static class PlainRoutes
{
    public static IEndpointConventionBuilder Get(this IEndpointRouteBuilder routes, string pattern, Func<HttpContext, IResult> handler)
        => Map(routes, HttpMethods.Get, pattern, handler);

    public static IEndpointConventionBuilder Get(this IEndpointRouteBuilder routes, string pattern, Func<HttpContext, Task<IResult>> handler)
        => Map(routes, HttpMethods.Get, pattern, handler);

    public static IEndpointConventionBuilder Post(this IEndpointRouteBuilder routes, string pattern, Func<HttpContext, Task<IResult>> handler)
        => Map(routes, HttpMethods.Post, pattern, handler);

    public static IEndpointConventionBuilder Delete(this IEndpointRouteBuilder routes, string pattern, Func<HttpContext, Task<IResult>> handler)
        => Map(routes, HttpMethods.Delete, pattern, handler);

    /// <summary>A service, as the generator resolves a handler's service parameter: from the request's services, when called.</summary>
    public static T Service<T>(this HttpContext context)
        where T : notnull
        => context.RequestServices.GetRequiredService<T>();

    /// <summary>A value of the route's pattern (<c>{streamId}</c>); always there once the route matched.</summary>
    public static string RouteValue(this HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    /// <summary>
    /// An optional boolean query parameter, as the generator binds a <c>bool?</c>: absent or empty is
    /// null, anything <see cref="bool.TryParse(string?, out bool)"/> refuses (or a repeated parameter) is false in
    /// <paramref name="valid"/>, for a 400 without a body.
    /// </summary>
    public static bool? QueryBool(this HttpContext context, string name, out bool valid)
    {
        var raw = context.Request.Query[name];
        valid = true;
        if (StringValues.IsNullOrEmpty(raw))
        {
            return null;
        }

        valid = bool.TryParse(raw.ToString(), out var value);
        return valid ? value : null;
    }

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder routes, string method, string pattern, Func<HttpContext, IResult> handler)
        => routes.MapMethods(pattern, [method], context => handler(context).ExecuteAsync(context));

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder routes, string method, string pattern, Func<HttpContext, Task<IResult>> handler)
        => routes.MapMethods(pattern, [method], async context => await (await handler(context)).ExecuteAsync(context));
}
