"""The pieces of tools/train_korean.py, one file per step of the recipe.

    data.py       NSMC's files in, checked; the split by movie
    tokens.py     the Korean WordPiece tokenizer; reviews -> ids -> length-sorted batches
    baseline.py   character 1-3-gram TF-IDF + logistic regression (the honest simple baseline)
    training.py   the recipe's knobs, masked-LM pre-training, fine-tuning, self-training
    card.py       probe sentences and MODEL_CARD.md, written from the run's own numbers

Used in: tools/train_korean.py; tests/test_train_korean.py.
"""
