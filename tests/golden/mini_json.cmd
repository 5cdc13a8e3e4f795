check tests/specs/mini.kp --engine explicit --json -j 1 --property wanpeng
