#!/usr/bin/env bash
# npm run bench -- train on a GPU machine: the onnxruntime training engine on the WebGPU provider
# (Dawn over Vulkan / D3D12 / Metal), and on CUDA where `npm run setup:cuda` installed that provider.
# Prints the bench's JSON lines (stdout) and its progress (stderr). Compare with the issue's
# reference (PyTorch 2.11 fp32 on an H100: 409 pairs/s for mpnet-base, batch 24, q16/p192).
# Usage: bench/gpu/train-gpu.sh [webgpu|cuda|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
which="${1:-all}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/genq-xdg}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
# What Vulkan offers (a CPU-only machine shows llvmpipe: the numbers then measure lavapipe, not a GPU).
if command -v vulkaninfo >/dev/null 2>&1; then vulkaninfo --summary 2>/dev/null | grep -E "deviceName|deviceType" >&2 || true; fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader >&2 || true

cuda_installed() {
  node --import tsx --input-type=module -e "import { listProviders } from './src-main/core/models/session.ts'; process.exit(listProviders().some((p) => p.name === 'cuda' && p.installed) ? 0 : 1)" 2>/dev/null
}

if [[ "$which" == all || "$which" == webgpu ]]; then
  npm run --silent bench -- train --provider webgpu
fi
if [[ "$which" == all || "$which" == cuda ]]; then
  if cuda_installed; then
    npm run --silent bench -- train --provider cuda
  else
    echo "cuda: the CUDA provider is not installed (npm run setup:cuda); skipped" >&2
  fi
fi
