"""The official API reference pages the model rows cite (see ../shared/official-reference.md for each page's
confidence). One constant per page, so a moved page is a one-line change."""

_ZH = "https://help.aliyun.com/zh/model-studio/"

WANX_V1 = _ZH + "text-to-image-api-reference"
WAN_T2I_V2 = "https://help.aliyun.com/en/model-studio/text-to-image-v2-api-reference"
# Alibaba's Qwen Cloud API reference for the same endpoints (official mirror, official-reference-2026-12.md §5): the
# wan2.6-t2i async protocol and the per-model table of sizes and prompt lengths.
WAN_T2I_V2_TASK = "https://docs.qwencloud.com/api-reference/image-generation/wan-text-to-image-v2/create-task"
QWEN_IMAGE = _ZH + "qwen-image-api"
QWEN_IMAGE_EDIT = _ZH + "qwen-image-edit-api"
Z_IMAGE = _ZH + "z-image-api-reference"  # not found in the stored copies: every fact of it is UNCONFIRMED
STABLE_DIFFUSION = _ZH + "developer-reference/stable-diffusion-apis"  # copy of the retired page
FLUX = _ZH + "developer-reference/flux"  # no official copy found: every fact of it is UNCONFIRMED
BACKGROUND = _ZH + "wanx-background-generation-api-reference"
SKETCH = _ZH + "wanx-sketch-to-image-api-reference"
X_PAINTING = _ZH + "vary-region-api-reference"
X_PAINTING_OLD = "https://help.aliyun.com/document_detail/2797051.html"  # older page: the input image limits
IMAGE_EDIT = _ZH + "wanx-image-edit-api-reference"
SEGMENTATION = _ZH + "image-instance-segmentation-api-reference"
OUT_PAINTING = _ZH + "image-scaling-api"
ERASE = "https://www.alibabacloud.com/help/en/model-studio/image-erase-completion-api-reference"
STYLE_REPAINT = _ZH + "portrait-style-redraw-api-reference"
FACE_DETECT = "https://help.aliyun.com/en/model-studio/facechain-face-detection-api"
FILES = _ZH + "model-customization-file-management-service"
FACECHAIN_FINETUNE = _ZH + "facechain-finetune-api"
FACECHAIN_GENERATION = _ZH + "facechain-generation"
VIRTUAL_MODEL = _ZH + "virtual-model-api-details"
SHOE_MODEL = _ZH + "shoe-model-api"
POSTER = _ZH + "creative-poster-generation-api"
WORDART_SEMANTIC = _ZH + "word-transformer-api"
WORDART_TEXTURE = _ZH + "fill-texture-effect-api"
WORDART_QUICK_START = _ZH + "wordart-quick-start"
LIFECYCLE = _ZH + "model-depreciation"
TASKS = "https://help.aliyun.com/model-studio/developer-reference/manage-asynchronous-tasks"
# "available only in the China (Beijing) region" (official-reference-2026-12.md §6).
TEMPORARY_UPLOAD = "https://www.alibabacloud.com/help/en/model-studio/get-temporary-file-url"

# --- 2026-12 addendum (../shared/official-reference-2026-12.md): only the head of each page was readable ------------
_EN = "https://www.alibabacloud.com/help/en/model-studio/"
_MIRROR = "https://docs.qwencloud.com/api-reference/image-generation/"  # Alibaba's API reference (Qwen Cloud)
WAN27 = _EN + "wan-image-generation-and-editing-api-reference"  # Last Updated Nov 20, 2026
WAN27_ZH = _ZH + "wan-image-generation-and-editing-api-reference"  # "图像编辑和组图生成支持最高2K分辨率"
WAN27_ASYNC = _MIRROR + "wan27-image-gen-edit/create-task"
WAN27_GUIDE = "https://docs.qwencloud.com/developer-guides/image-generation/wan-image-editing"  # input-image table
WAN26_IMAGE = _EN + "wan-image-generation-api-reference"
WAN26_IMAGE_ASYNC = _MIRROR + "wan26-image-gen-edit/create-task"  # field text readable
WAN25_I2I = _EN + "wan2-5-image-edit-api-reference"
WAN25_I2I_ASYNC = _MIRROR + "wan25-general-image-editing/create-task"
QWEN_IMAGE_3 = "https://www.alibabacloud.com/help/zh/model-studio/qwen-image-generation-and-editing-api-reference"
QWEN_IMAGE_3_ES = "https://www.alibabacloud.com/help/es/model-studio/qwen-image-generation-and-editing-api-reference"
# Alibaba's own summary of the Qwen Cloud docs (not the reference): cited where the page is silent, as UNCONFIRMED.
SKILL_REPO = "QwenCloud/qwencloud-ai skills/image/qwencloud-image-generation/references/api-guide.md"
