;; Adam's step over the flat parameter vector of data-parallel training, four float32 lanes at a
;; time, over the shared memory that holds the weights, the moments and every thread's gradient
;; slot (train/adam-simd.ts calls it; the last few parameters are done there in JS).
;; Addresses and strides are in bytes. Built into adam.wasm.ts by `npm run build:wasm`.
(module
  (import "env" "memory" (memory 0 65536 shared))
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)
    ;; bytes from one gradient slot to the next, and how many slots to sum (in slot order)
    (param $stride i32) (param $slots i32)
    ;; the byte range [$from, $end) of each array, a multiple of 16 long
    (param $from i32) (param $end i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32)
    ;; lr / (1 - b1^t), 1 / sqrt(1 - b2^t), epsilon
    (param $step f32) (param $root f32) (param $eps f32)
    (local $s i32) (local $q i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128)
    (local $ST v128) (local $RT v128) (local $EP v128)
    (local $G v128) (local $M v128) (local $V v128)
    ;; the constants in every lane
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $ST (f32x4.splat (local.get $step)))
    (local.set $RT (f32x4.splat (local.get $root)))
    (local.set $EP (f32x4.splat (local.get $eps)))
    (block $done
      (loop $each
        (br_if $done (i32.eqz (i32.lt_u (local.get $from) (local.get $end))))
        ;; G = g[0][i] + g[1][i] + ... in slot order, so threads' timing never changes the sum
        (local.set $G (v128.load align=1 (i32.add (local.get $g) (local.get $from))))
        (local.set $s (i32.const 1))
        (local.set $q (i32.add (i32.add (local.get $g) (local.get $from)) (local.get $stride)))
        (block $summed
          (loop $slot
            (br_if $summed (i32.eqz (i32.lt_s (local.get $s) (local.get $slots))))
            (local.set $G (f32x4.add (local.get $G) (v128.load align=1 (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $slot)))
        ;; M = b1 * m + a1 * G
        (local.set $M
          (f32x4.add
            (f32x4.mul (local.get $B1) (v128.load align=1 (i32.add (local.get $m) (local.get $from))))
            (f32x4.mul (local.get $A1) (local.get $G))))
        ;; V = b2 * v + (a2 * G) * G
        (local.set $V
          (f32x4.add
            (f32x4.mul (local.get $B2) (v128.load align=1 (i32.add (local.get $v) (local.get $from))))
            (f32x4.mul (f32x4.mul (local.get $A2) (local.get $G)) (local.get $G))))
        (v128.store align=1 (i32.add (local.get $m) (local.get $from)) (local.get $M))
        (v128.store align=1 (i32.add (local.get $v) (local.get $from)) (local.get $V))
        ;; w = w - (step * M) / (sqrt(V) * root + eps)
        (v128.store align=1 (i32.add (local.get $w) (local.get $from))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $from)))
            (f32x4.div
              (f32x4.mul (local.get $ST) (local.get $M))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $V)) (local.get $RT)) (local.get $EP)))))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $each)))))
