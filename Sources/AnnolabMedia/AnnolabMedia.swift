// Annolab media: images through libpng.
