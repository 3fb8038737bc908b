import Testing

@Test func firewallBuilds() {}
