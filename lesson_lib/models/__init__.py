"""One file per architecture, plus the Auto classes that choose between them."""

from .auto import AutoConfig, AutoModel, AutoModelForSequenceClassification
from .bert import BertForSequenceClassification, BertModel
from .distilbert import DistilBertForSequenceClassification, DistilBertModel
