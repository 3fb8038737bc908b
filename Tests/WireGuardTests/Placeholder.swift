import Testing

@Test func wireguardBuilds() {}
