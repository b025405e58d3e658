// Package device holds the generated routing device (gen/device) to its
// golden model (model/device) and to the whitepaper's claims, at system
// level: frames in, frames out.
//
// Target is what a test drives one cycle at a time: HW (the generated
// core in the Go simulator) or Model. Traffic feeds either with flows
// (fixed-rate or AIMD-elastic), and attributes every frame that leaves to
// its flow. Scenario builds the configurations the tests and the demo
// share: Cloud ISPs with their own virtual routers, the free tier, a
// malformed label.
package device
