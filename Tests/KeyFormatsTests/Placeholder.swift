import Testing

@Test func keyformatsBuilds() {}
