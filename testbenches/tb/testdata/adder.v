// adder: purely combinational adders of 8, 64, 100 and 256 bits with carry
// in; each sum is one bit wider than its operands (the carry out).
module adder (
    input wire cin,
    input wire [7:0] a8,
    input wire [7:0] b8,
    input wire [63:0] a64,
    input wire [63:0] b64,
    input wire [99:0] a100,
    input wire [99:0] b100,
    input wire [255:0] a256,
    input wire [255:0] b256,
    output wire [8:0] s8,
    output wire [64:0] s64,
    output wire [100:0] s100,
    output wire [256:0] s256
);
    assign s8 = {1'b0, a8} + {1'b0, b8} + {8'd0, cin};
    assign s64 = {1'b0, a64} + {1'b0, b64} + {64'd0, cin};
    assign s100 = {1'b0, a100} + {1'b0, b100} + {100'd0, cin};
    assign s256 = {1'b0, a256} + {1'b0, b256} + {256'd0, cin};
endmodule
