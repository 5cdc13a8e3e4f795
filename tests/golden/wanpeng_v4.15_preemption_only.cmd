check specs/kvm_fpu/v4.15.kp --property wanpeng --engine explicit -P softirq_fpu=false -P own_kernel_fpu=false -P vcpu_sleep=false -P other_sleep=false --no-vacuity -j 1
