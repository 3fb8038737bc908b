import Testing

@Test func provisioningBuilds() {}
