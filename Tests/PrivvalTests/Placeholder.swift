import Testing

@Test func privvalBuilds() {}
