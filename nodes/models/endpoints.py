"""Endpoint paths under the base URL (``…/api/v1``), as the official pages write them."""

T2I = "/services/aigc/text2image/image-synthesis"
I2I = "/services/aigc/image2image/image-synthesis"
OUT_PAINTING = "/services/aigc/image2image/out-painting"
BACKGROUND = "/services/aigc/background-generation/generation/"  # trailing slash as on the page
IMAGE_GENERATION = "/services/aigc/image-generation/generation"
VIRTUAL_MODEL = "/services/aigc/virtualmodel/generation"  # as in the page's curl example (its heading adds a "/")
FACECHAIN_GENERATION = "/services/aigc/album/gen_potrait"  # sic: the service's spelling
FACE_DETECT = "/services/vision/facedetection/detect"
FINE_TUNES = "/fine-tunes"
WORDART = "/services/aigc/wordart/"  # + texture | semantic | surnames
MULTIMODAL = "/services/aigc/multimodal-generation/generation"
