namespace Grid.Cluster.Wire;

/// <summary>Names item types on the wire and decides whether a client's types fit a kernel's, by name alone: no type is ever loaded from a name a peer sent.</summary>
internal static class TypeNames
{
    public static string Of(Type type) => type.FullName ?? type.Name;

    /// <summary>Whether values of the type named <paramref name="sent"/> can be read as <paramref name="declared"/>: the same type, or <c>object</c> on the sending side.</summary>
    public static bool InputFits(string sent, Type declared) => sent == Of(declared) || sent == "System.Object";

    /// <summary>Whether results of <paramref name="declared"/> can be read as the type named <paramref name="expected"/>.</summary>
    public static bool OutputFits(Type declared, string expected) =>
        expected == Of(declared) || expected is "System.Object" or "System.Text.Json.JsonElement";
}
