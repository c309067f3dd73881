;; A 2-D transpose of 4-byte elements in 4x4 blocks: four loads, eight shuffles, four stores
;; (backends/wasm-transpose.ts calls it for one tile and does the edges past a multiple of 4).
;; Addresses and strides are in bytes. The backend's memory may be plain or shared, so
;; `npm run build:wasm` builds this twice: as written, and with the memory import shared
;; (transpose.wasm.ts holds both).
;; @shared-variant
(module
  (import "env" "memory" (memory 0))
  (func (export "transpose")
    ;; the tile's first element in x and in the output
    (param $src i32) (param $dst i32)
    ;; one, two, three and four rows of x; one, two, three and four rows of the output
    (param $r1 i32) (param $r2 i32) (param $r3 i32) (param $r4 i32)
    (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $c4 i32)
    ;; strips of four rows, and blocks of four columns per strip
    (param $strips i32) (param $blocks i32)
    (local $s i32) (local $d i32) (local $k i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (block $done
      (loop $strip
        (br_if $done (i32.eqz (local.get $strips)))
        (local.set $s (local.get $src))
        (local.set $d (local.get $dst))
        (local.set $k (local.get $blocks))
        (block $stripDone
          (loop $block
            (br_if $stripDone (i32.eqz (local.get $k)))
            ;; four rows of four: a0 a1 a2 a3, b.., c.., d..
            (local.set $v0 (v128.load align=1 (local.get $s)))
            (local.set $v1 (v128.load align=1 (i32.add (local.get $s) (local.get $r1))))
            (local.set $v2 (v128.load align=1 (i32.add (local.get $s) (local.get $r2))))
            (local.set $v3 (v128.load align=1 (i32.add (local.get $s) (local.get $r3))))
            ;; interleaved: a0 b0 a1 b1 | a2 b2 a3 b3 | c0 d0 c1 d1 | c2 d2 c3 d3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            ;; the four columns: a0 b0 c0 d0, a1 b1 c1 d1, a2 b2 c2 d2, a3 b3 c3 d3
            (v128.store align=1 (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c1))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c2))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c3))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            ;; next four columns: 16 bytes on in x, four output rows on
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (local.get $c4)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $block)))
        ;; next strip: four rows on in x, four columns (16 bytes) on in the output
        (local.set $src (i32.add (local.get $src) (local.get $r4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $strips (i32.sub (local.get $strips) (i32.const 1)))
        (br $strip)))))
