"""The snapshot build (`python -m loaders.build`): the official files it reads, the topic indicators made
from the parsed sources, assembly, validation, the loss check and the swap into regional_data/ and geo/."""
