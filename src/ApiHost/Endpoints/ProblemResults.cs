namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>Problem-details results shared by the endpoints.</summary>
internal static class ProblemResults
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
}
