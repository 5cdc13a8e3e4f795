check specs/kvm_fpu/v4.14.kp --engine explicit -j 1 --property wanpeng --locations --no-vacuity
