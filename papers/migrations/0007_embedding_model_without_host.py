# Model ids of int8 vectors used to name the processor preset the quantizer was given
# (all-MiniLM-L6-v2@0.1.0/onnx-int8-avx512_vnni-mid-layers). The avx512_vnni, avx512 and arm64
# presets give the same dynamic quantization parameters (int8 weights), the recipe every host
# now uses: keep those vectors under the id that no longer names the host
# (papers.embedding.model_id_for) instead of re-embedding every paper. The avx2 preset wrote
# uint8 weights, another recipe: its vectors keep their old id and are re-embedded once.

from django.db import migrations

HOST_PRESET = r"/onnx-int8-(avx512_vnni|avx512|arm64)-"

FORWARD = f"""
UPDATE papers_paper SET embedding_model = regexp_replace(embedding_model, '{HOST_PRESET}', '/onnx-int8-')
WHERE embedding_model ~ '{HOST_PRESET}';
UPDATE papers_author_centroid SET model = regexp_replace(model, '{HOST_PRESET}', '/onnx-int8-')
WHERE model ~ '{HOST_PRESET}';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0006_long_venues"),
    ]

    # Not reversible in detail (which host made which vector is not kept); going back keeps the
    # new ids, which the old code then re-embeds once.
    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
