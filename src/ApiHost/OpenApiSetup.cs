using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrleansTokens.ApiHost;

/// <summary>
/// Declares the JSON body type of an endpoint that reads its body by hand, for the OpenAPI document only.
/// </summary>
/// <remarks>
/// <c>Accepts&lt;T&gt;()</c> would also make routing return 415 for other content types, but the login and
/// refresh endpoints return 400 with a problem that shows the expected body instead.
/// </remarks>
public sealed record JsonRequestBodyMetadata(Type BodyType);

/// <summary>OpenAPI document settings: request bodies declared by metadata, and the bearer scheme.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from POST /auth/login or POST /auth/refresh.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var body = context.Description.ActionDescriptor.EndpointMetadata
                    .OfType<JsonRequestBodyMetadata>()
                    .FirstOrDefault();
                if (body is null)
                {
                    return;
                }

                var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = schema },
                    },
                };
            });
        });
}
