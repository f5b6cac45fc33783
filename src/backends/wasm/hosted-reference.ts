/**
 * The reference kernels (the cpu backend's) reading and writing the wasm backend's memory: what runs
 * wherever the WebAssembly kernels decline a call (float64, int32, rare layouts).
 */
import type { TensorInfo } from '../../core/backend.js';
import type { DType, DTypeArrays, TypedArray } from '../../core/dtype.js';
import type { Shape } from '../../core/shape.js';
import { CpuBackend } from '../cpu/cpu-backend.js';
import type { WasmData, WasmRuntime } from './runtime.js';

/**
 * The reference kernels on the memory of `rt`: in place where the memory is shared. On ordinary
 * (unshared) memory, growing the memory detaches every view of it: there, kernels read copies of
 * their inputs and write ordinary arrays, copied into the memory once complete.
 */
export class HostedReference extends CpuBackend {
  constructor(private readonly rt: WasmRuntime) {
    super();
  }

  protected override values(x: TensorInfo): TypedArray {
    const view = this.rt.view(x.dataId as WasmData);
    return this.rt.sharedMemory ? view : view.slice();
  }

  protected override alloc<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
    if (!this.rt.sharedMemory) return super.alloc(dtype, size);
    const view = this.rt.view(this.rt.allocData(dtype, size)) as DTypeArrays[D];
    // The reference kernels expect zeros, as a fresh typed array has; a reused block holds old values.
    view.fill(0);
    return view;
  }

  protected override commit(x: TensorInfo, values: TypedArray): void {
    if (!this.rt.sharedMemory) this.rt.view(x.dataId as WasmData).set(values);
  }

  protected override output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    if (!this.rt.sharedMemory) return { dataId: this.rt.write(values, shape, dtype), shape, dtype };
    return { dataId: { offset: values.byteOffset, size: values.length, dtype } satisfies WasmData, shape, dtype };
  }
}
