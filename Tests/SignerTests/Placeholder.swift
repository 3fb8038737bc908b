import Testing

@Test func signerBuilds() {}
