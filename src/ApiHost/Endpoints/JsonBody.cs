using System.Text.Json;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>Reads a JSON request body, turning every kind of bad input into a 400 problem.</summary>
internal static class JsonBody
{
    /// <summary>
    /// Returns the body, or a 400 problem that names the expected shape when the content type is not JSON or
    /// the body is missing or malformed.
    /// </summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, string example)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ProblemResults.BadRequest(
                $"Send the body as JSON with Content-Type application/json: {example}"));
        }

        RequestBodyLimit.Apply(request.HttpContext);
        try
        {
            var body = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted);
            return body is null
                ? (null, ProblemResults.BadRequest($"The request body is empty or null; expected {example}."))
                : (body, null);
        }
        catch (JsonException)
        {
            return (null, ProblemResults.BadRequest($"The request body is not valid JSON of the form {example}."));
        }
        catch (InvalidOperationException exception) when (exception.InnerException is ArgumentException)
        {
            // The content type names a charset that .NET has no encoding for.
            return (null, ProblemResults.BadRequest(
                $"The content type '{request.ContentType}' names an unknown charset; send UTF-8 JSON: {example}"));
        }
    }
}
