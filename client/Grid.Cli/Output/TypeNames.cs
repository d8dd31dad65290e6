namespace Grid.Cli.Output;

/// <summary>Names types the way a C# reader writes them: <c>long</c>, <c>byte[]</c>, <c>PiSample</c>.</summary>
internal static class TypeNames
{
    /// <summary>Gets the short C# name of <paramref name="type"/>, or the last part of <paramref name="fullName"/> when this process cannot load the type.</summary>
    public static string Of(Type? type, string fullName)
        => type is not null ? Of(type) : fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];

    /// <summary>Gets the short C# name of <paramref name="type"/>.</summary>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsArray)
        {
            return Of(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Of(underlying) + "?";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.Decimal => "decimal",
            TypeCode.Char => "char",
            TypeCode.String => "string",
            _ when type == typeof(object) => "object",
            _ when type.IsGenericType => $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Of))}>",
            _ => type.Name,
        };
    }
}
