"""Fakes of the real `/v1/videos` servers, each replaying what its source does (see each docstring).

They are `httpx.MockTransport` handlers with state: jobs advance one step per poll, failures and
cloud uploads are scripted per job, and every quirk the source shows is reproduced, not smoothed.
"""

from .fastvideo import FastVideoFake
from .sglang import SGLangFake
from .vllm_omni import VllmOmniFake

__all__ = ["FastVideoFake", "SGLangFake", "VllmOmniFake"]
