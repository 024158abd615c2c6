"""The default knowledge pack: Larkspur Valley Health, a fictional community health system.

Loaded on first start so a new installation has brand and policy knowledge,
products, approved claims, disclaimers and templates to draft and check with.
The files live in `data/`: `pack.yaml` lists the documents and their tags,
`library/` holds the structured library.
"""

from knowledge.pack.loader import PackManifest, PackReport, load_default_pack, pack_dir, read_manifest

__all__ = ["PackManifest", "PackReport", "load_default_pack", "pack_dir", "read_manifest"]
