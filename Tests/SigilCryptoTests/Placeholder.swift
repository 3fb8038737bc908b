import Testing

@Test func sigilcryptoBuilds() {}
