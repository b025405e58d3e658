// Package linkframe reads and writes pktrouter link frames, the bytes on one
// of the device's physical links:
//
//	lease tag (1 byte) | cjdns switch header (12 bytes) | payload
//
// The lease tag says which bandwidth lease on the link the frame travels
// under (0 is the free tier); the switch header is cjdns' own (see package
// label). Frame is a gopacket layer, so captures decode in gopacket like any
// other protocol, and Reader/Writer keep frames in pcap files (pure Go
// pcapgo, no cgo) under link type DLT_USER0.
//
// It lives apart from package label so that label stays free of
// dependencies.
package linkframe

import (
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/pktnetwork/pktrouter/label"
)

// HeaderLen is the length of a link frame's header: lease tag and switch header.
const HeaderLen = 1 + label.HeaderSize

// LinkType is the pcap link type pktrouter captures use: DLT_USER0, the
// range libpcap sets aside for private link layers.
const LinkType layers.LinkType = 147

// LayerTypeLink is the gopacket layer type of a link frame. 2900 lies outside
// the numbers gopacket's own layers use.
var LayerTypeLink = gopacket.RegisterLayerType(2900, gopacket.LayerTypeMetadata{
	Name:    "PktrouterLink",
	Decoder: gopacket.DecodeFunc(decodeLink),
})

func init() {
	// Let gopacket.NewPacket(data, linkframe.LinkType, …) and packet sources
	// reading a pktrouter capture decode frames without naming the layer.
	layers.LinkTypeMetadata[LinkType] = layers.EnumMetadata{
		DecodeWith: gopacket.DecodeFunc(decodeLink),
		Name:       "PktrouterLink",
		LayerType:  LayerTypeLink,
	}
}

// Frame is one link frame as a gopacket layer. Its Payload is what follows the
// switch header (a CryptoAuth message or a cjdns CTRL frame).
type Frame struct {
	layers.BaseLayer
	LeaseTag uint8
	Header   label.Header
}

// LayerType implements gopacket.Layer.
func (f *Frame) LayerType() gopacket.LayerType { return LayerTypeLink }

// CanDecode implements gopacket.DecodingLayer.
func (f *Frame) CanDecode() gopacket.LayerClass { return LayerTypeLink }

// NextLayerType implements gopacket.DecodingLayer: pktrouter does not look
// past the switch header, so the rest is payload.
func (f *Frame) NextLayerType() gopacket.LayerType { return gopacket.LayerTypePayload }

// DecodeFromBytes implements gopacket.DecodingLayer. Contents and Payload
// alias data.
func (f *Frame) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < HeaderLen {
		df.SetTruncated()
		return fmt.Errorf("link frame: %d bytes, need at least %d (lease tag + switch header)", len(data), HeaderLen)
	}
	h, err := label.ParseHeader(data[1:HeaderLen])
	if err != nil {
		return fmt.Errorf("link frame: %w", err)
	}
	f.LeaseTag = data[0]
	f.Header = h
	f.BaseLayer = layers.BaseLayer{Contents: data[:HeaderLen], Payload: data[HeaderLen:]}
	return nil
}

// SerializeTo implements gopacket.SerializableLayer: it prepends the lease
// tag and switch header to whatever the buffer already holds.
func (f *Frame) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	hdr, err := b.PrependBytes(HeaderLen)
	if err != nil {
		return err
	}
	hdr[0] = f.LeaseTag
	f.Header.AppendTo(hdr[1:1:HeaderLen])
	return nil
}

func decodeLink(data []byte, p gopacket.PacketBuilder) error {
	f := &Frame{}
	if err := f.DecodeFromBytes(data, p); err != nil {
		return err
	}
	p.AddLayer(f)
	return p.NextDecoder(f.NextLayerType())
}

// Append appends the frame's wire bytes (header, then payload) to b.
func Append(b []byte, leaseTag uint8, h label.Header, payload []byte) []byte {
	b = append(b, leaseTag)
	b = h.AppendTo(b)
	return append(b, payload...)
}
